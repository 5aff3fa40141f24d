"""The numbers half: catalogue, GPU memory, cost plans, hybrid share, cost check, estimates."""
