# Password authentication through request parameters: USER and PASS in
# the query string, form or JSON body (FSA_PARAM_USER / FSA_PARAM_PASS
# keep their defaults).  Tokens from GET /login are accepted as well.
FSA_AUTH = "param"

# Token signing secret.  A fixed value keeps tokens valid across restarts
# and lets `python -m demo token` sign tokens this server accepts.  It is
# public in this file, so it protects nothing: a real deployment reads it
# from the environment, e.g. FSA_TOKEN_SECRET = os.environ["APP_SECRET"].
FSA_TOKEN_SECRET = (
    "RXSrBmI5BY1xTuWNjo3GRrVotvvaEIX2DEUhZIBmRdNypmkldZysH0Z3SvYxuJ2Z"
)

# Same realm on both backends, so that their tokens are interchangeable.
FSA_REALM = "demo"
