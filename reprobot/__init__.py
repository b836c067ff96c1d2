"""reprobot: keeps research repositories reproducible.

`reprobot.checks` examines a repository and knows nothing of GitHub; `reprobot.bot` faces
GitHub and people. In the source tree they are the folders bot/ and checks/ at the top, which
reprobot/bot and reprobot/checks link to.
"""
