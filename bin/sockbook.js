#!/usr/bin/env node
'use strict';
require('../build/js/kernel/cli/main.js').main(process.argv.slice(2));
