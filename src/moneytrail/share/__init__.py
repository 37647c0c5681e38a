"""Cooperation between FIUs without revealing files (issue 21, decision 0132).

Three tools, each answering "do you know this person, this account, this phone?" while
revealing as little as the question allows (docs/cooperation.md says what each reveals to whom):

* :mod:`~moneytrail.share.bloom` and :mod:`~moneytrail.share.filters`: a keyed Bloom filter of
  one FIU's subjects (identifiers and folded names), matched at the partner's premises;
* :mod:`~moneytrail.share.psi`: exact private set intersection of identifiers (DH on the
  prime-order Ed25519 group), with a cardinality-only mode;
* :mod:`~moneytrail.share.keyring` and :mod:`~moneytrail.share.package`: signed and encrypted
  exchange packages between FIUs whose keys sit in a local keyring.

Nothing here talks to a network: every step writes a file that the two FIUs carry to each
other by whatever channel they trust.
"""
