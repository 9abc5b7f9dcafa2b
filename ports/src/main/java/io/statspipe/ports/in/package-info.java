/** What the outside world asks of statspipe: record events, query stats, control the migration. */
package io.statspipe.ports.in;
