using System.Collections.Generic;
using AutoDiffGen.NeuralNetworks;

namespace MnistSample;

/// <summary>What a training run ended with.</summary>
/// <param name="Epochs">The Keras-style result of every epoch (with test loss and accuracy as validation when a plot was asked for).</param>
/// <param name="TrainAccuracy">The training accuracy Keras reports for the last epoch: measured on each batch before its step.</param>
/// <param name="TestLoss">The loss on the 10,000 test images after training.</param>
/// <param name="TestAccuracy">The accuracy on the 10,000 test images after training.</param>
/// <param name="TrainSeconds">The wall time of the training epochs, data loading and evaluation excluded.</param>
/// <param name="PlotFailed">Whether a plot was asked for and could not be written.</param>
public sealed record MnistRun(
    IReadOnlyList<EpochResult> Epochs, double TrainAccuracy, double TestLoss, double TestAccuracy, double TrainSeconds, bool PlotFailed = false);
