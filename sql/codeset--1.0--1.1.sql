/* codeset--1.0--1.1.sql: ALTER EXTENSION codeset UPDATE from 1.0 to 1.1 */

\echo Use "ALTER EXTENSION codeset UPDATE TO '1.1'" to load this file. \quit

-- A section holds every code it ever held: E/M begins at 99201 (a CPT code
-- until 2021-01-01), as code_section() now says.
UPDATE codeset.code_set SET codes = '{99201-99499}'
WHERE name = 'cpt:evaluation-management' AND source = 'codeset';
