"""The `iopfinder` command and the tooling that runs IOP Finder's parts on one machine."""
