"""Text and inline keyboards for members: pure functions of content, language and zone."""
