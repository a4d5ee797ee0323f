"""What the test suites share: live runners, demo runs, toy decks, fixture demos."""
