/*
 * medcode_classify.c: family, kind and section of a code, from its shape,
 * and the families each code system covers.
 *
 * Pure C.  The section ranges are facts of the code sets (shared DOMAIN.md),
 * checked against every code number in the CMS OPPS Addendum B files
 * 2019-2026 and the fee schedule files 2022-2025: no five-digit code there
 * falls outside them.  A section holds every code it ever held: E/M starts
 * at 99201 (deleted 2021-01-01), not at today's first code 99202.  No AMA
 * text.
 */
#include "medcode.h"

#include <stddef.h>
#include <string.h>

typedef struct SectionRange
{
	int32_t		first;
	int32_t		last;
	const char *name;
} SectionRange;

/*
 * CPT Category I, five-digit codes.  Order matters: 99100-99140 (anesthesia
 * qualifying circumstances) lies inside the Medicine numbers and must win.
 */
static const SectionRange cpt_sections[] = {
	{99100, 99140, "Anesthesia"},
	{100, 1999, "Anesthesia"},
	{10004, 69990, "Surgery"},
	{70010, 79999, "Radiology"},
	{80047, 89398, "Pathology and Laboratory"},
	{90281, 99199, "Medicine"},
	{99500, 99607, "Medicine"},
	{99201, 99499, "Evaluation and Management"},
};

/* Level II sections by first letter, in MEDCODE_LEVEL2_LETTERS order. */
static const char *const level2_sections[] = {
	"Transportation, Medical and Surgical Supplies, Miscellaneous", /* A */
	"Enteral and Parenteral Therapy",	/* B */
	"Outpatient PPS",			/* C */
	"Dental",					/* D */
	"Durable Medical Equipment",	/* E */
	NULL,						/* F: unused */
	"Procedures and Professional Services",	/* G */
	"Behavioral Health and Rehabilitation",	/* H */
	"Drugs Administered Other Than Oral Method, Chemotherapy",	/* J */
	"Temporary Codes for DME MACs", /* K */
	"Orthotics and Prosthetics",	/* L */
	"Medical Services and Quality Measures",	/* M */
	NULL,						/* N: unused */
	"Pathology and Laboratory", /* P */
	"Temporary Codes",			/* Q */
	"Diagnostic Radiology",		/* R */
	"Temporary National Codes (Non-Medicare)",	/* S */
	"National Codes for State Medicaid Agencies",	/* T */
	"Coronavirus Laboratory Tests", /* U */
	"Vision, Hearing and Speech-Language Services", /* V */
};

#define LEVEL2_DENTAL_INDEX 3	/* 'D' in MEDCODE_LEVEL2_LETTERS */

static const char *const family_names[MEDCODE_FAMILIES] = {
	"NNNNN", "NNNNA", "NNNNF", "NNNNM", "NNNNT", "NNNNU",
	"A", "B", "C", "D", "E", "F", "G", "H", "J", "K", "L", "M", "N", "P", "Q", "R", "S", "T", "U", "V"
};

/* HCPCS is Level II but D, which is CDT's (the ADA's codes) */
static const struct
{
	const char *system;
	const char *const families[MEDCODE_FAMILIES + 1];
}			system_families[] = {
	{"CPT", {"NNNNN", "NNNNA", "NNNNF", "NNNNM", "NNNNT", "NNNNU", NULL}},
	{"HCPCS", {"A", "B", "C", "E", "F", "G", "H", "J", "K", "L", "M", "N", "P", "Q", "R", "S",
	"T", "U", "V", NULL}},
	{"CDT", {"D", NULL}},
};

int
medcode_family_of(int32_t v)
{
	if (v < MEDCODE_SUFFIX_FIRST)
		return 0;
	if (v < MEDCODE_LEVEL2_FIRST)
		return 1 + (v - MEDCODE_SUFFIX_FIRST) / MEDCODE_BLOCK;
	return 6 + (v - MEDCODE_LEVEL2_FIRST) / MEDCODE_BLOCK;
}

int32_t
medcode_family_first(int family)
{
	if (family == 0)
		return MEDCODE_NUMERIC_FIRST;
	if (family < 6)
		return MEDCODE_SUFFIX_FIRST + (family - 1) * MEDCODE_BLOCK;
	return MEDCODE_LEVEL2_FIRST + (family - 6) * MEDCODE_BLOCK;
}

int32_t
medcode_family_last(int family)
{
	return family == 0 ? MEDCODE_SUFFIX_FIRST - 1 : medcode_family_first(family) + MEDCODE_BLOCK - 1;
}

const char *
medcode_family_name(int family)
{
	return family >= 0 && family < MEDCODE_FAMILIES ? family_names[family] : NULL;
}

int
medcode_family_by_name(const char *name)
{
	for (int f = 0; f < MEDCODE_FAMILIES; f++)
		if (strcmp(name, family_names[f]) == 0)
			return f;
	return -1;
}

const char *const *
medcode_system_families(const char *system)
{
	for (size_t i = 0; i < sizeof(system_families) / sizeof(system_families[0]); i++)
		if (strcmp(system, system_families[i].system) == 0)
			return system_families[i].families;
	return NULL;
}

MedcodeKind
medcode_kind(int32_t v)
{
	if (v < MEDCODE_SUFFIX_FIRST)
		return MEDCODE_KIND_CATEGORY_I;
	if (v < MEDCODE_LEVEL2_FIRST)
	{
		switch (MEDCODE_CPT_SUFFIXES[(v - MEDCODE_SUFFIX_FIRST) / MEDCODE_BLOCK])
		{
			case 'A':
				return MEDCODE_KIND_VACCINE;
			case 'F':
				return MEDCODE_KIND_CATEGORY_II;
			case 'M':
				return MEDCODE_KIND_MAAA;
			case 'T':
				return MEDCODE_KIND_CATEGORY_III;
			default:
				return MEDCODE_KIND_PLA;
		}
	}
	if ((v - MEDCODE_LEVEL2_FIRST) / MEDCODE_BLOCK == LEVEL2_DENTAL_INDEX)
		return MEDCODE_KIND_DENTAL;
	return MEDCODE_KIND_LEVEL_II;
}

const char *
medcode_kind_name(MedcodeKind kind)
{
	switch (kind)
	{
		case MEDCODE_KIND_CATEGORY_I:
			return "category I";
		case MEDCODE_KIND_VACCINE:
			return "vaccine";
		case MEDCODE_KIND_CATEGORY_II:
			return "category II";
		case MEDCODE_KIND_MAAA:
			return "MAAA";
		case MEDCODE_KIND_CATEGORY_III:
			return "category III";
		case MEDCODE_KIND_PLA:
			return "PLA";
		case MEDCODE_KIND_LEVEL_II:
			return "level II";
		case MEDCODE_KIND_DENTAL:
			return "dental";
	}
	return NULL;
}

int
medcode_hcpcs_level(int32_t v)
{
	return v < MEDCODE_LEVEL2_FIRST ? 1 : 2;
}

const char *
medcode_system_name(int32_t v)
{
	return v < MEDCODE_LEVEL2_FIRST ? "CPT" : "HCPCS";
}

/*
 * MAAA administrative codes (####M) count as Category I: CPT lists them with
 * the Pathology and Laboratory codes, and CMS pays them like Category I lab
 * codes (OPPS status A or Q4 in every Addendum B 2023-2026, where Category II
 * codes are E1, not paid).  code_kind() still tells them apart.
 */
const char *
medcode_cpt_category(int32_t v)
{
	if (!medcode_value_ok(v))
		return NULL;
	switch (medcode_kind(v))
	{
		case MEDCODE_KIND_CATEGORY_I:
		case MEDCODE_KIND_VACCINE:
		case MEDCODE_KIND_MAAA:
		case MEDCODE_KIND_PLA:
			return "I";
		case MEDCODE_KIND_CATEGORY_II:
			return "II";
		case MEDCODE_KIND_CATEGORY_III:
			return "III";
		case MEDCODE_KIND_LEVEL_II:
		case MEDCODE_KIND_DENTAL:
			return NULL;
	}
	return NULL;
}

const char *
medcode_section(int32_t v)
{
	if (!medcode_value_ok(v))
		return NULL;
	switch (medcode_kind(v))
	{
		case MEDCODE_KIND_CATEGORY_I:
			for (size_t i = 0; i < sizeof(cpt_sections) / sizeof(cpt_sections[0]); i++)
				if (v >= cpt_sections[i].first && v <= cpt_sections[i].last)
					return cpt_sections[i].name;
			return NULL;
		case MEDCODE_KIND_VACCINE:
			return "Medicine";
		case MEDCODE_KIND_MAAA:
		case MEDCODE_KIND_PLA:
			return "Pathology and Laboratory";
		case MEDCODE_KIND_CATEGORY_II:
		case MEDCODE_KIND_CATEGORY_III:
			return NULL;
		case MEDCODE_KIND_LEVEL_II:
		case MEDCODE_KIND_DENTAL:
			return level2_sections[(v - MEDCODE_LEVEL2_FIRST) / MEDCODE_BLOCK];
	}
	return NULL;
}
