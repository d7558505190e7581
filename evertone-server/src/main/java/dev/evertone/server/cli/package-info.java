/**
 * The {@code evertone} command line (picocli): serve, and administration of domains and devices.
 */
package dev.evertone.server.cli;
