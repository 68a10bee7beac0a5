"""Command-line tools that come with the mxc package (mxc-launch)."""
