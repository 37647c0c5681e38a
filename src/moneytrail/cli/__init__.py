"""The command-line face: parses arguments, calls the library, formats results."""
