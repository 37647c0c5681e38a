"""Files the user gives and files moneytrail writes, handled safely in one place.

Why a package of its own: every reader and every command that writes a file shares the same
dangers (a name taken as a pattern, an output path that is the workspace itself, a zip that
inflates to gigabytes). Each danger is dealt with once, here, below every analytic and face.
"""
