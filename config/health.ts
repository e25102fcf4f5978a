const healthConfig = {
  /* Longest wait of each dependency check of GET /health/ready */
  timeoutMs: 1500,
}

export default healthConfig
