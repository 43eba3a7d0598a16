using System;
using ScottPlot;

namespace TransformsSample;

/// <summary>Draws the square and its four images in one figure (ScottPlot), each labelled, with equal units on both axes.</summary>
public static class TransformsPlot
{
    /// <summary>The width of the picture in pixels.</summary>
    public const int Width = 800;

    /// <summary>The height of the picture in pixels.</summary>
    public const int Height = 700;

    /// <summary>Writes the picture of <paramref name="images"/> as a PNG to <paramref name="path"/>.</summary>
    /// <param name="path">The PNG file to write.</param>
    /// <param name="images">The square and its images, each a 2 × n matrix of points.</param>
    public static void Save(string path, SquareImages images)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(images);

        var plot = new Plot();
        plot.Title("A square moved by matrices");
        plot.XLabel("x");
        plot.YLabel("y");

        // The original is drawn thick and black, so that each image reads as a move away from it.
        Add(plot, images.Square, "X: the square", Colors.Black, 3);
        Add(plot, images.Translated, "X + 0.2: translation", Colors.C0, 2);
        Add(plot, images.Scaled, "S·X: scale by 0.5", Colors.C1, 2);
        Add(plot, images.Rotated, "R·X: rotation by 0.175 rad (10°), counter-clockwise", Colors.C2, 2);
        Add(plot, images.Affine, "R·X + 0.2: affine (rotation, then translation)", Colors.C3, 2);

        plot.Axes.SetLimits(-0.3, 1.5, -0.2, 1.5);
        plot.Axes.SquareUnits();
        plot.ShowLegend(Edge.Bottom);
        plot.SavePng(path, Width, Height);
    }

    private static void Add(Plot plot, AutoDiffGen.Tensors.Tensor points, string label, Color color, float width)
    {
        double[] xs = new double[points.Columns];
        double[] ys = new double[points.Columns];
        for (int c = 0; c < points.Columns; c++)
        {
            xs[c] = points[0, c];
            ys[c] = points[1, c];
        }

        var outline = plot.Add.Scatter(xs, ys, color);
        outline.LegendText = label;
        outline.LineWidth = width;
        outline.MarkerSize = 6;

        // The short name sits just outside the shape's corner that started at (1, 1), the third column.
        var name = plot.Add.Text(label[..label.IndexOf(':', StringComparison.Ordinal)], xs[2], ys[2]);
        name.LabelFontColor = color;
        name.LabelFontSize = 14;
        name.LabelBold = true;
        name.OffsetX = 4;
        name.OffsetY = -4;
    }
}
