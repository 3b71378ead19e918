#!/usr/bin/python3
"""Copies each function the upgrade script in development defines from the
install script's parts (src/*.sql), so that an upgraded database gets the
same bodies as a fresh install (test/upgrade.sh compares them).

    tools/sync-upgrade-script.py sql/codeset--1.0--1.1.sql

A function is its CREATE statement through the COMMENT ON FUNCTION that
follows it; the script keeps its own CREATE or CREATE OR REPLACE.  Other
statements (tables, data, one-off steps) are the script's own: edit them
by hand."""
import glob
import re
import sys

HEAD = re.compile(r'^CREATE (OR REPLACE )?FUNCTION (\S+?)\(', re.M)


def blocks(text):
    """(name, signature, start, end) of each function definition with its
    comment; the signature is the comment's argument types"""
    out = []
    for m in HEAD.finditer(text):
        name = m.group(2)
        c = text.find('COMMENT ON FUNCTION ' + name + '(', m.end())
        if c < 0:
            sys.exit('no COMMENT ON FUNCTION after ' + name)
        signature = text[c + len('COMMENT ON FUNCTION '):text.find(')', c) + 1]
        end = text.find("';\n", c) + 3
        out.append((name, signature, m.start(), end))
    return out


def main(path):
    by_name, by_signature = {}, {}
    for p in sorted(glob.glob('src/*.sql')):
        text = open(p).read()
        for name, signature, a, b in blocks(text):
            by_name.setdefault(name, []).append(text[a:b])
            by_signature[signature] = text[a:b]
    script = open(path).read()
    pieces, last, changed = [], 0, 0
    for name, signature, a, b in blocks(script):
        # the same signature; else the one function of that name (whose
        # arguments changed in development)
        new = by_signature.get(signature)
        if new is None and len(by_name.get(name, [])) == 1:
            new = by_name[name][0]
        if new is None:
            continue
        if script[a:b].startswith('CREATE OR REPLACE'):
            new = new.replace('CREATE FUNCTION', 'CREATE OR REPLACE FUNCTION', 1)
        pieces += [script[last:a], new]
        last = b
        changed += new != script[a:b]
    pieces.append(script[last:])
    open(path, 'w').write(''.join(pieces))
    print(f'{path}: {changed} function(s) copied from the parts')


main(sys.argv[1])
