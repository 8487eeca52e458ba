"""The commands, by room; importing a room registers its commands on the app (xueji.cli.app)."""
