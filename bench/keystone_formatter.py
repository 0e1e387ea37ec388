#!/usr/bin/python3
"""Keystone 22's own TokenFormatter.validate_token in a loop, for bench/sections/formatter.ts.

Run with Debian's interpreter (python3-keystone), one core, like the Baton loop beside it:

    /usr/bin/python3 bench/keystone_formatter.py KEY_REPO TOKENS.json SECONDS

TOKENS.json is a list of Fernet tokens Baton issued with the keys in KEY_REPO. Prints one JSON
object: validations per second with the formatter as Keystone ships it (its `crypto` property
re-reads the key repository for every token), with the keys loaded once (Fernet decrypt plus
payload decode only: the fair comparison with Baton's cached keys), and the first token's
decoded fields as a cross-check that Keystone accepted what Baton wrote.
"""

import json
import logging
import sys
import time

from cryptography import fernet

import keystone.conf
from keystone.common import fernet_utils
from keystone.token import token_formatters as tf

logging.disable(logging.CRITICAL)  # fernet_utils warns about the repository's permissions
CONF = keystone.conf.CONF
keystone.conf.configure()
CONF([], project='keystone', default_config_files=[])


class KeysLoadedOnce(tf.TokenFormatter):
    """Keystone's formatter with the MultiFernet built once, as TokenFormatter.crypto builds it."""

    def __init__(self):
        utils = fernet_utils.FernetUtils(
            CONF.fernet_tokens.key_repository,
            CONF.fernet_tokens.max_active_keys,
            'fernet_tokens')
        self._crypto = fernet.MultiFernet([fernet.Fernet(k) for k in utils.load_keys()])

    @property
    def crypto(self):
        return self._crypto


def rate(formatter, tokens, seconds):
    """Validations per second over `seconds`, cycling through `tokens`."""
    count = len(tokens)
    done = 0
    i = 0
    start = time.perf_counter()
    deadline = start + seconds
    while True:
        for _ in range(50):
            formatter.validate_token(tokens[i])
            i = (i + 1) % count
        done += 50
        now = time.perf_counter()
        if now >= deadline:
            return done / (now - start)


def main():
    key_repo, tokens_path, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
    CONF.set_override('key_repository', key_repo, group='fernet_tokens')
    CONF.set_override('max_active_keys', 3, group='fernet_tokens')
    with open(tokens_path, encoding='utf-8') as fh:
        tokens = json.load(fh)
    shipped = tf.TokenFormatter()
    cached = KeysLoadedOnce()
    fields = cached.validate_token(tokens[0])
    rate(cached, tokens, min(seconds, 0.3))  # warm-up
    out = {
        'keys_loaded_once_per_s': rate(cached, tokens, seconds),
        'as_shipped_per_s': rate(shipped, tokens, seconds),
        'first': {'user_id': fields[0], 'project_id': fields[3], 'methods': fields[1]},
    }
    json.dump(out, sys.stdout)
    sys.stdout.write('\n')


if __name__ == '__main__':
    main()
