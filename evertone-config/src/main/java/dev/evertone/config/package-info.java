/**
 * Configuration: the documented defaults, a YAML file, environment variables and command-line
 * overrides, merged and validated into {@link dev.evertone.config.ServerConfig}; {@link
 * dev.evertone.config.Settings} turns each section into the settings of the feature it configures,
 * for the server and the administration commands alike.
 */
package dev.evertone.config;
