/**
 * What statspipe needs from engines, named for what it does. Each has one adapter per engine
 * (and an in-memory fixture in this module's test jar for use-case tests).
 */
package io.statspipe.ports.out;
