"""Files that come in and go out: rosters (CSV, XLSX) and exports. No rules of the registry here."""
