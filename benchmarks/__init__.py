"""`talk bench`: measured figures for the runner, the build and the async payoff."""
