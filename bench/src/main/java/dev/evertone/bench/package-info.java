/**
 * Benchmark tools: provisioning for the side-by-side scripts in bench/, memory measurement, JMH
 * benchmarks. Never run as tests.
 */
package dev.evertone.bench;
