"""Plain async functions over a session; they know nothing of Telegram update objects."""
