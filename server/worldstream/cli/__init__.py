"""cli/: the `worldstream` command. Talks to a server (--server) or starts one in-process
(--data-dir) and uses worldstream.client either way."""
