"""How requests reach the core and leave it: botocore, ``requests``, the HTTP server, the network.

Each adapter hands the core a plain request and turns its plain answer back into what its client
expects; ``core.active`` starts their patches while a mock is active.
"""
