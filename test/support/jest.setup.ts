// Tests run with a low bcrypt cost through configuration; production keeps the design's default.
process.env.BCRYPT_COST ??= '4';
process.env.LOG_LEVEL ??= 'silent';
