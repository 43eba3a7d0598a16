using System;
using System.Collections.Generic;
using System.Linq;
using AutoDiffGen.NeuralNetworks;
using ScottPlot;

namespace MnistSample;

/// <summary>Draws loss and accuracy per epoch, train and test, side by side in one PNG (ScottPlot).</summary>
public static class TrainingPlot
{
    /// <summary>Writes the plot of <paramref name="epochs"/> to <paramref name="path"/>.</summary>
    /// <param name="path">The PNG file to write.</param>
    /// <param name="epochs">The epochs, with validation (test) results where measured.</param>
    public static void Save(string path, IReadOnlyList<EpochResult> epochs)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(epochs);
        double[] x = [.. epochs.Select(e => (double)e.Epoch)];

        var multiplot = new Multiplot();
        multiplot.AddPlots(2);
        Plot loss = multiplot.GetPlot(0);
        Plot accuracy = multiplot.GetPlot(1);
        Draw(loss, "Loss", x, [.. epochs.Select(e => e.Loss)], [.. epochs.Select(e => e.ValidationLoss ?? double.NaN)]);
        Draw(accuracy, "Accuracy", x, [.. epochs.Select(e => e.Accuracy ?? double.NaN)], [.. epochs.Select(e => e.ValidationAccuracy ?? double.NaN)]);
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Columns();
        multiplot.SavePng(path, 1200, 450);
    }

    private static void Draw(Plot plot, string title, double[] x, double[] train, double[] test)
    {
        var trainLine = plot.Add.Scatter(x, train);
        trainLine.LegendText = "train";
        if (test.Any(double.IsFinite))
        {
            var testLine = plot.Add.Scatter(x, test);
            testLine.LegendText = "test";
        }
        plot.Title(title);
        plot.XLabel("epoch");
        // Whole epochs only; the legend goes where the curves are not: loss falls, accuracy rises.
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericFixedInterval(1);
        plot.ShowLegend(title == "Loss" ? Alignment.UpperRight : Alignment.LowerRight);
    }
}
