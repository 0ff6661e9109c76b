"""Running the modules' scheduled tasks."""
