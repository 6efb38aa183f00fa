# Token-only authentication: the server never checks a password on
# requests, so GET /login only renews a token.  A first token comes from
# `python -m demo token <user> --config token`, which signs it with the
# secret below; whoever holds the secret can vouch for any user name.
FSA_AUTH = "token"
FSA_TOKEN_TYPE = "fsa"

# Token signing secret.  A fixed value keeps tokens valid across restarts
# and lets `python -m demo token` sign tokens this server accepts.  It is
# public in this file, so it protects nothing: a real deployment reads it
# from the environment, e.g. FSA_TOKEN_SECRET = os.environ["APP_SECRET"].
FSA_TOKEN_SECRET = (
    "RXSrBmI5BY1xTuWNjo3GRrVotvvaEIX2DEUhZIBmRdNypmkldZysH0Z3SvYxuJ2Z"
)

# Same realm on both backends, so that their tokens are interchangeable.
FSA_REALM = "demo"
