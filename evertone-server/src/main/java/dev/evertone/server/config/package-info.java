/**
 * Configuration: the documented defaults, a YAML file, environment variables and command-line
 * overrides, merged and validated into {@link dev.evertone.server.config.ServerConfig}.
 */
package dev.evertone.server.config;
