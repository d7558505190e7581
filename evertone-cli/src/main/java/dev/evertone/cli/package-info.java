/**
 * The administration commands of {@code evertone} (picocli): domains, users, devices, lines,
 * imports and restores, trunks, numbers, forwarding, tokens, certificates, incidents; on the local
 * store, or on a running server through the admin API ({@code --server}). The commands that run a
 * server ({@code serve}, {@code stun}) are the server module's.
 */
package dev.evertone.cli;
