"""Test harness plugin (emulator + real bot); filled in when the emulator lands."""
