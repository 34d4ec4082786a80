"""The `iopfinder` command's groups, one module each; heavy imports wait inside the commands."""
