import { useEffect, useRef } from 'react';
import {
  CategoryScale,
  Chart,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type Plugin,
} from 'chart.js';
import type { SeriesPoint } from './metric-series';

// Only what a line chart needs: the chunk stays small, and it loads only when the chart is shown.
Chart.register(LineController, LineElement, PointElement, LinearScale, CategoryScale, Tooltip);

const ACCENT = '#0b57d0';
const MARKER = '#a50e0e';

/** Draws a dashed vertical line with the alias names at each version an alias points at. */
function aliasMarkers(points: SeriesPoint[]): Plugin<'line'> {
  return {
    id: 'aliasMarkers',
    afterDatasetsDraw(chart) {
      const { ctx, chartArea, scales } = chart;
      ctx.save();
      ctx.strokeStyle = MARKER;
      ctx.fillStyle = MARKER;
      ctx.setLineDash([4, 4]);
      ctx.font = '12px system-ui, sans-serif';
      ctx.textAlign = 'center';
      points.forEach((point, index) => {
        if (!point.aliases.length) return;
        const x = scales.x.getPixelForValue(index);
        ctx.beginPath();
        ctx.moveTo(x, chartArea.top + 14);
        ctx.lineTo(x, chartArea.bottom);
        ctx.stroke();
        ctx.fillText(point.aliases.join(', '), x, chartArea.top + 10);
      });
      ctx.restore();
    },
  };
}

/** A line chart of one metric across versions (chart.js 4), alias markers on their versions. */
export default function MetricChart({
  metric,
  points,
  description,
}: {
  metric: string;
  points: SeriesPoint[];
  description: string;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!canvas.current) return;
    const chart = new Chart(canvas.current, {
      type: 'line',
      data: {
        labels: points.map((p) => p.name),
        datasets: [
          {
            label: metric,
            data: points.map((p) => p.value),
            borderColor: ACCENT,
            backgroundColor: ACCENT,
            spanGaps: true,
            tension: 0,
          },
        ],
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        // Room above and to the right for the alias names of the markers.
        layout: { padding: { top: 18, right: 24 } },
        plugins: { tooltip: { enabled: true } },
        scales: { y: { title: { display: true, text: metric } } },
      },
      plugins: [aliasMarkers(points)],
    });
    return () => chart.destroy();
  }, [metric, points]);
  return (
    <div className="metric-chart__canvas">
      <canvas ref={canvas} role="img" aria-label={description} />
    </div>
  );
}
