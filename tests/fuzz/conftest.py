"""Not collected: the atheris fuzzers run with ``make fuzz``, not with pytest."""

collect_ignore_glob = ["*.py"]
