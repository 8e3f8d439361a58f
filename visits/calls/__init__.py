"""Calls to customers: scheduling as outbox rows, placing through a provider,
and what the customer answers on the keypad."""
