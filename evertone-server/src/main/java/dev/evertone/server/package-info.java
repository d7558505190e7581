/**
 * One evertone node: wiring of store, registrar and SIP stack, maintenance tasks and logging.
 */
package dev.evertone.server;
