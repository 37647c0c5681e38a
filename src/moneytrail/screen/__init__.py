"""Sanctions and watchlist screening: list loaders, list versions and diffs, an explainable
name matcher that knows Sahel transliterations, and screening of workspace parties.

Start with :func:`moneytrail.screen.lists.load_list`; see docs/screening.md.
"""
