// Package datasets is chiso's data layer and the only package that knows DuckDB.
//
// It owns the schema (units, lineage, indicator catalogue, sources, observations), the
// bundled dataset of real sourced figures, the province registry that resolves names and
// codes to the unit in force at a date, ingest of CSV and XLSX files, and typed queries that
// return plain Go values.
package datasets
