# SPDX-License-Identifier: MIT
"""pvpython: opens a thermal annulus run's fields.xmf and prints, as JSON, what ParaView sees: the
bounds, the number of cells, the radii of the nodes and the temperature range of the last step.
Usage: pvpython annulus_geometry.py RUN_DIR"""
import json
import math
import sys

from paraview import servermanager
from paraview.simple import XDMFReader

reader = XDMFReader(FileNames=[sys.argv[1] + "/fields.xmf"])
reader.UpdatePipeline(time=reader.TimestepValues[-1] if reader.TimestepValues else 0.0)
data = servermanager.Fetch(reader)
points = data.GetPoints()
radii = [math.hypot(*points.GetPoint(k)[:2]) for k in range(points.GetNumberOfPoints())]
temperature = data.GetCellData().GetArray("temperature").GetRange()
print(json.dumps({"bounds": list(data.GetBounds()), "cells": data.GetNumberOfCells(), "r_min": min(radii),
                  "r_max": max(radii), "temperature": list(temperature)}))
