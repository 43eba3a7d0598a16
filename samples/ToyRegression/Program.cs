using System;
using ToyRegressionSample;

// Usage: ToyRegression [--epochs N] [--rate R]
return ToyRegressionApp.Run(args, Console.Out, Console.Error);
