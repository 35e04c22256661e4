ALTER TABLE keys RESET (fillfactor);
