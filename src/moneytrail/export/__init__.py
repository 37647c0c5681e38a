"""Writers that hand a workspace over to other tools (FollowTheMoney JSON lines for Aleph...)."""
