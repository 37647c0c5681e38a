"""Value types of the domain: money, time, identifiers, deterministic ids, vocabularies."""
