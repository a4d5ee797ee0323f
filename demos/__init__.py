"""The talk's code examples, one runnable module each; see demos/README.md for the order."""
