using System;
using System.Linq;
using ScottPlot;
using static System.FormattableString;

namespace ParabolaSample;

/// <summary>
/// Draws a run on the parabola (ScottPlot): the curve f(x) = x², the gradient-descent steps on it, and the tangent at
/// the start point, whose slope is the derivative the generated <c>ParabolaFunctions.FGradient</c> returned there.
/// </summary>
public static class ParabolaPlot
{
    /// <summary>The width of the picture in pixels.</summary>
    public const int Width = 800;

    /// <summary>The height of the picture in pixels.</summary>
    public const int Height = 600;

    /// <summary>Writes the picture of <paramref name="run"/> as a PNG to <paramref name="path"/>.</summary>
    /// <param name="path">The PNG file to write.</param>
    /// <param name="run">The descent to draw; its first row is the start point.</param>
    /// <param name="rate">The learning rate of the run, for the legend.</param>
    public static void Save(string path, ParabolaResult run, double rate)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(run);

        Plot plot = Draw(run, rate);
        plot.SavePng(path, Width, Height);
    }

    private static Plot Draw(ParabolaResult run, double rate)
    {
        // A rate above 1 makes the steps grow without bound. The picture keeps the steps up to ten times as far out as
        // the start (at least 10), so that the curve stays readable, and says how many it leaves out.
        ParabolaStep start = run.Steps[0];
        double window = 10 * Math.Max(1.0, Math.Abs(start.X));
        ParabolaStep[] steps = [.. run.Steps.TakeWhile(s => Math.Abs(s.X) <= window && double.IsFinite(s.Value))];
        int hidden = run.Steps.Count - steps.Length;
        double extent = Math.Max(3.5, 1.1 * steps.Max(s => Math.Abs(s.X)));

        var plot = new Plot();
        plot.Title("Gradient descent on f(x) = x²");
        plot.XLabel("x");
        plot.YLabel("f(x)");

        double[] curveX = [.. Enumerable.Range(0, 201).Select(i => -extent + 2 * extent * i / 200)];
        var curve = plot.Add.ScatterLine(curveX, [.. curveX.Select(x => x * x)]);
        curve.LegendText = "f(x) = x²";
        curve.LineWidth = 2;

        // The tangent line y = f(x0) + f'(x0)·(x − x0), over a third of the picture on each side of the start point.
        double slope = start.Derivative;
        double half = extent / 3;
        var tangent = plot.Add.Line(start.X - half, start.Value - slope * half, start.X + half, start.Value + slope * half);
        tangent.LineWidth = 2;
        tangent.LinePattern = LinePattern.Dashed;
        tangent.LegendText = Invariant($"tangent at x = {start.X:0.###}: slope f'({start.X:0.###}) = {slope:0.###} from FGradient");

        var descent = plot.Add.Scatter(steps.Select(s => s.X).ToArray(), steps.Select(s => s.Value).ToArray());
        descent.LegendText = Invariant($"{run.Steps.Count - 1} steps at rate {rate}: x ← x − rate·f'(x)")
            + (hidden == 0 ? "" : Invariant($"; the last {hidden} lie beyond |x| = {window:0.###}"));
        descent.MarkerSize = 7;

        var startMarker = plot.Add.Marker(start.X, start.Value, MarkerShape.FilledCircle, 12);
        startMarker.LegendText = Invariant($"start x = {start.X:0.###}");

        plot.Axes.SetLimits(-extent, extent, -0.1 * extent * extent, 1.05 * extent * extent);
        plot.ShowLegend(Alignment.UpperCenter);
        return plot;
    }
}
