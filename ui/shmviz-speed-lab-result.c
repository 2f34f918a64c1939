/* shmviz-speed-lab-result.c — the result on show
 *
 * One result at a time, in a reference-counted box that an export running
 * in a thread can keep, and the page that shows it: the machine it was
 * measured on, the chart and the core's reading paragraph.  Apart because
 * a run, a load and the tests all end here.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "shmviz-speed-lab-internal.h"

static void
shared_result_clear (gpointer data)
{
  SharedResult *shared = data;

  g_clear_pointer (&shared->result, shmviz_bench_result_free);
}

void
_shmviz_speed_lab_shared_result_release (SharedResult *shared)
{
  g_atomic_rc_box_release_full (shared, shared_result_clear);
}

static void
show_result (ShmvizSpeedLab *self)
{
  const ShmvizBenchResult *result = self->shared->result;
  g_autofree char *reading = shmviz_bench_result_reading (result);
  g_autofree char *machine = NULL;
  g_autofree char *memcpy_text = NULL;
  g_autofree char *date = _shmviz_speed_lab_format_date (result->date);

  memcpy_text = isfinite (result->memcpy_bytes_per_second)
    ? g_strdup_printf ("%.1f GB/s", result->memcpy_bytes_per_second / 1e9)
    : g_strdup ("?");
  /* Translators: date, CPU model, CPUs, kernel, load, pinned or not, seconds, memcpy, hand-off. */
  machine = g_strdup_printf (_("Measured %s on %s (%u CPUs, %s); load average %.1f at the start, %s; "
                               "%.0f s in all. memcpy %s, cache-line hand-off %.0f ns one way."),
                             date, result->cpu_model, result->n_cpus, result->kernel,
                             result->load_average,
                             result->pinned ? _("each side pinned to a CPU") : _("not pinned"),
                             result->seconds, memcpy_text, result->cacheline_handoff_ns);
  gtk_label_set_text (self->machine_label, machine);
  gtk_label_set_text (self->reading_label, reading);
  shmviz_speed_chart_set_result (self->chart, result);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->chart),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, reading, -1);
  gtk_stack_set_visible_child_name (self->stack, "result");
  _shmviz_speed_lab_update_actions (self);
}

void
shmviz_speed_lab_set_result (ShmvizSpeedLab    *self,
                             ShmvizBenchResult *result)
{
  g_return_if_fail (SHMVIZ_IS_SPEED_LAB (self));
  g_return_if_fail (result != NULL);

  /* The chart points into the old result: move it off before letting go. */
  shmviz_speed_chart_set_result (self->chart, NULL);
  g_clear_pointer (&self->shared, _shmviz_speed_lab_shared_result_release);
  self->shared = g_atomic_rc_box_new0 (SharedResult);
  self->shared->result = result;
  show_result (self);
}

const ShmvizBenchResult *
shmviz_speed_lab_get_result (ShmvizSpeedLab *self)
{
  g_return_val_if_fail (SHMVIZ_IS_SPEED_LAB (self), NULL);

  return self->shared ? self->shared->result : NULL;
}
