#!/usr/bin/env node
// Launcher kept in the package (not in dist/) so installs can link the bin before a build.
import "../dist/bin.js";
