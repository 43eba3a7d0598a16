using System;
using System.Linq;
using ScottPlot;
using static System.FormattableString;

namespace ToyRegressionSample;

/// <summary>
/// Draws a training run (ScottPlot) in two panels: the four points with the first line (W = 0.5, B = 0) and the fitted
/// line, and the mean squared error after each epoch (on a log scale of epochs).
/// </summary>
public static class ToyRegressionPlot
{
    /// <summary>The width of the picture in pixels.</summary>
    public const int Width = 1200;

    /// <summary>The height of the picture in pixels.</summary>
    public const int Height = 500;

    /// <summary>Writes the picture of <paramref name="result"/> as a PNG to <paramref name="path"/>.</summary>
    /// <param name="path">The PNG file to write.</param>
    /// <param name="result">The training run to draw.</param>
    /// <param name="rate">The learning rate of the run, for the titles.</param>
    public static void Save(string path, ToyRegressionResult result, double rate)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(result);

        var figure = new Multiplot();
        figure.AddPlots(2);
        DrawFit(figure.GetPlot(0), result);
        DrawLoss(figure.GetPlot(1), result, rate);
        figure.Layout = new ScottPlot.MultiplotLayouts.Columns();
        figure.SavePng(path, Width, Height);
    }

    private static void DrawFit(Plot plot, ToyRegressionResult result)
    {
        plot.Title("The data, the first line and the fitted line");
        plot.XLabel("x");
        plot.YLabel("y");

        var points = plot.Add.ScatterPoints(ToyRegression.X.ToArray(), ToyRegression.Y.ToArray());
        points.LegendText = "the four points (x, y)";
        points.MarkerSize = 10;

        // Both lines span the picture's x range, 0 to 0.8.
        const double left = 0.0;
        const double right = 0.8;
        var first = plot.Add.Line(left, ToyRegression.InitialB, right, ToyRegression.InitialW * right + ToyRegression.InitialB);
        first.LineWidth = 2;
        first.LinePattern = LinePattern.Dashed;
        first.LegendText = Invariant($"first line: W = {ToyRegression.InitialW}, B = {ToyRegression.InitialB}");

        int epochs = result.History[^1].Epoch;
        var fitted = plot.Add.Line(left, result.B, right, result.W * right + result.B);
        fitted.LineWidth = 2;
        fitted.LegendText = Invariant($"after {epochs} epochs: W = {ToyRegression.Format4(result.W)}, B = {ToyRegression.Format4(result.B)}");

        plot.Axes.SetLimits(left, right, 0.0, 0.8);
        plot.ShowLegend(Alignment.UpperLeft);
    }

    private static void DrawLoss(Plot plot, ToyRegressionResult result, double rate)
    {
        plot.Title(Invariant($"MSE after each epoch (learning rate {rate})"));
        plot.XLabel("epoch (log scale)");
        plot.YLabel("MSE");

        // The loss falls most in the first few dozen epochs and then creeps along a flat valley, so the epochs go on a
        // log scale: the data are log10(epoch) and the tick labels turn them back into epochs.
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
            IntegerTicksOnly = true,
            LabelFormatter = static power => Math.Pow(10, power).ToString("N0", System.Globalization.CultureInfo.InvariantCulture),
        };

        // A rate that is too large makes the loss grow without bound. The panel shows losses up to 1.5 times the
        // first one and, if the loss leaves that range, stops the curve there and says when.
        double cap = 1.5 * result.History[0].Mse;
        EpochReport[] shown = [.. result.History.TakeWhile(h => h.Mse <= cap).Where(h => h.Epoch >= 1)];
        if (shown.Length > 0)
        {
            var loss = plot.Add.ScatterLine(shown.Select(h => Math.Log10(h.Epoch)).ToArray(), shown.Select(h => h.Mse).ToArray());
            loss.LineWidth = 2;
            loss.LegendText = Invariant($"MSE (it starts at {ToyRegression.Format4(result.History[0].Mse)} before epoch 1)");
        }
        EpochReport? escape = result.History.FirstOrDefault(h => !(h.Mse <= cap));
        if (escape is not null)
        {
            var note = plot.Add.Text(Invariant($"from epoch {escape.Epoch} the MSE exceeds {ToyRegression.Format4(cap)}: the descent diverges"), 0, 0.9 * cap);
            note.LabelFontSize = 14;
            note.LabelFontColor = Colors.DarkRed;
        }

        var floor = plot.Add.HorizontalLine(result.ClosedFormMse, 1, Colors.Gray, LinePattern.Dotted);
        floor.LegendText = Invariant($"least-squares MSE {ToyRegression.Format4(result.ClosedFormMse)}");

        plot.Axes.SetLimits(0, Math.Log10(Math.Max(10, result.History[^1].Epoch)), 0, 1.05 * cap);
        plot.ShowLegend(Alignment.UpperRight);
    }
}
