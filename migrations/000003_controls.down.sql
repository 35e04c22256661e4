DROP TABLE IF EXISTS emulator_clock;
DROP TABLE IF EXISTS fault_rules;
DROP FUNCTION IF EXISTS emulator_notify_control();
