"""The Qt desktop form. It presents and binds; every clinical decision is consult's."""
